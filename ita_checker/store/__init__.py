"""Store: blobs and fetch log of crawls, history of runs and scans, carry-over of unchanged evidence."""
