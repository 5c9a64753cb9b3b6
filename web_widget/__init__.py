"""The embeddable chat widget (widget.js, widget.css), the demo council site, and the script that
takes its screenshots. The gateway serves the files; there is no build step."""
