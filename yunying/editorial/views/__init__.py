"""Pages of the editorial pipeline, one module per area; ``urls.py`` joins their ``urls`` lists."""
