"""Store: the content-addressed blob store and fetch log of crawls, and the history of runs and scans."""
