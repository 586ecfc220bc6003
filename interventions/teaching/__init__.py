"""Teachers: My classes (with the class summary for a cover teacher), teachers' input into plan
reviews and EHCP annual reviews, and strategies marked as helping or not."""
