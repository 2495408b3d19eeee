"""Tools for the people who write and hand out the course: notebook stamping and exercise building."""
