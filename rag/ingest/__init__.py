"""Reading articles: files and web pages in, cleaned `Document`s and sentence-aware `Chunk`s out."""
