"""MinHash signatures and the LSH bands over them."""
