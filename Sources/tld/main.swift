print("tld")
