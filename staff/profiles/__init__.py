"""Role profiles beyond their models: the document, its history, JSON in and out, the PDF."""
