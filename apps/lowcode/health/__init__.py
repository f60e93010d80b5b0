"""Health of a web process and what it depends on, for load balancers and administrators.

``GET /health/`` answers 200 when this process can reach its database and (if
the site has one) Redis, 503 otherwise, so a load balancer takes a broken node
out of rotation. Anyone may ask, but only administrators see the details
(hosts, queue lengths, workers): they tell an attacker too much.
"""
