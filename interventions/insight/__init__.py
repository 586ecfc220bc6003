"""The SENDCo's view: figures across pupils, interventions, programmes and schools, computed in
the database (aggregations and annotations), so a page's queries do not grow with its pupils."""
