-- An app is off at a union until that union switches it on (issue #31):
-- `institution_apps` without a row now means off. The apps registered
-- before keep serving the unions they served: each gets an explicit "on"
-- row at every union that had not switched it off.
INSERT INTO institution_apps (institution_id, client_id, enabled, changed_at, reason)
SELECT i.id, c.client_id, TRUE, extract(epoch FROM now())::BIGINT,
       'on before apps became off by default'
FROM institutions i CROSS JOIN clients c
WHERE NOT EXISTS (SELECT 1 FROM institution_apps s
                  WHERE s.institution_id = i.id AND s.client_id = c.client_id);
