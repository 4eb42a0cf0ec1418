"""Art. 3 para. 3: the decision organ's annual catalogue of major decision items, agreed by the
Party committee at its level, published, and adjusted during the year with the history kept."""
