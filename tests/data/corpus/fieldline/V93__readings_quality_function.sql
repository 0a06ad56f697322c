CREATE OR REPLACE FUNCTION reading_quality(p_model INT, p_sensor SMALLINT, p_value DOUBLE PRECISION)
RETURNS SMALLINT LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN ms.min_plausible IS NULL THEN 0
                WHEN p_value < ms.min_plausible OR p_value > ms.max_plausible THEN 1
                ELSE 0 END::SMALLINT
    FROM model_sensors ms WHERE ms.model_id = p_model AND ms.sensor = p_sensor;
$$;
