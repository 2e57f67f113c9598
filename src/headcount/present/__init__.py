"""How records are shown: terminal tables, CSV and JSON Lines exports, the API's JSON shape of
events and claims, figures and ranges as people write them, and the tags of stated reasons.

It reads only headcount.model: the store keeps what it formats (the read model stores each
event's API record and reason tags), and the command line and the web app show it.
"""
