"""`python -m benchmarks.world --agencies N --seed S`: generate the synthetic world."""

from __future__ import annotations

from benchmarks.world.generator import main

raise SystemExit(main())
