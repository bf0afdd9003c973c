"""AWS Lambda handlers for the meeting recorder; each file is self-contained and zipped alone as one function."""
