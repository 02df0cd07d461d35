"""AutoThrottle that treats 304 Not Modified like 200, so polite re-scans are not slowed by their own cache."""

from __future__ import annotations

from typing import Any

from scrapy.extensions.throttle import AutoThrottle


class RescanAwareAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle never lowers the delay on non-200 responses (error pages are small and fast).
    A 304 is a normal answer to our conditional request; let it lower the delay like a 200."""

    def _adjust_delay(self, slot: Any, latency: float, response: Any) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
