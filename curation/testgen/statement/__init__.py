"""Reading a statement's Input and Constraints as a contestant does, in small readers: ``text`` (one notation for
TeX, Markdown, Unicode, HTML and plain-text mathematics), ``sections`` (Input, Constraints, Subtasks by meaning),
``bounds`` (every bound in every notation), ``names`` (the variables the Input section names, in order) and
``hints`` (alphabets, test cases, trees, permutations, decimals).

May import: nothing of cpdata but each other (pure functions of text, tested on real sentences).
"""
