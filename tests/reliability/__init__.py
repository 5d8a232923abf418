"""What bpdesk promises under bad input: refusals leave everything as it was, in plain words."""
