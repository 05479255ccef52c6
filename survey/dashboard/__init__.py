"""Staff and Home Affairs dashboards: province overview, unit pages, server-rendered SVG charts."""
