# In-tree test guests (filled in by the VT-x core work).
GUEST_BINS :=
guests: $(GUEST_BINS)
