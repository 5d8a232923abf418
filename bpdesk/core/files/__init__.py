"""Files and data: session files, built-in and imported data sets, presets, the open document."""
