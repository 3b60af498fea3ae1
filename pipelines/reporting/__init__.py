"""The engineering-metrics report: chart queries over the marts, rendered into one HTML file."""
