"""Duplicates and stories: URL/GUID/hash/MinHash layers, the MinHash index, story grouping."""
