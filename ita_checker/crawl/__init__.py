"""Crawl stage: the Scrapy process adapter, the crawl job, the SSRF guard and evidence screenshots."""
