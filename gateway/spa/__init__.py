"""SPA staff pages under /spa/: sign-in, referral inbox, referral record, CSV export, content gaps.

Server-rendered HTML (Jinja2, autoescaped) in the GOV.UK Design System style; no JavaScript.
The app owner only has to `app.include_router(gateway.spa.routes.router)`: the router serves its own
stylesheet, signs its own session cookie and renders its own error pages.
"""
