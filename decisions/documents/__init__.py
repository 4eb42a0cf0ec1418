"""The documents offices print: each from one template, laid out as an office's own papers."""
