-- A second database for Rasa's tracker store, beside the gateway's own (docker compose only).
CREATE DATABASE local_offer_tracker OWNER local_offer;
