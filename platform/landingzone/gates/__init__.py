"""Gates over synthesized output. Each returns findings and never prints."""
