"""The cleaning pipeline's stages, in the order data flows, over an engine and an on-disk spool."""
