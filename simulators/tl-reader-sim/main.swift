print("tl-reader-sim")
