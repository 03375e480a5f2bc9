"""Words and numbers for people: labels of codes in Dutch and English, number, percentage, euro and date formatting, and the phrases of explanations."""
