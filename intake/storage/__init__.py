"""Encrypted storage: the cipher, the keyring and data keys, the blob store, documents and sealed fields."""
