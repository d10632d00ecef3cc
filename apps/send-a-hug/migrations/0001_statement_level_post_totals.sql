-- post_totals.visible was kept by a row-level trigger, so a bulk insert updated the one counter row
-- once per post (minutes for 100,000 posts). Statement-level triggers with transition tables update
-- it once per statement.
DROP TRIGGER posts_count_visible ON posts;
--> statement-breakpoint
DROP FUNCTION sah_posts_count_visible();
--> statement-breakpoint
CREATE FUNCTION sah_posts_count_visible_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE post_totals SET visible = visible + (SELECT count(*) FROM inserted_posts WHERE open_reports = 0) WHERE id = 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION sah_posts_count_visible_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE post_totals SET visible = visible - (SELECT count(*) FROM deleted_posts WHERE open_reports = 0) WHERE id = 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION sah_posts_count_visible_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta bigint;
BEGIN
  delta := (SELECT count(*) FROM new_posts WHERE open_reports = 0) - (SELECT count(*) FROM old_posts WHERE open_reports = 0);
  IF delta <> 0 THEN UPDATE post_totals SET visible = visible + delta WHERE id = 1; END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER posts_count_visible_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS inserted_posts FOR EACH STATEMENT EXECUTE FUNCTION sah_posts_count_visible_inserted();
--> statement-breakpoint
CREATE TRIGGER posts_count_visible_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS deleted_posts FOR EACH STATEMENT EXECUTE FUNCTION sah_posts_count_visible_deleted();
--> statement-breakpoint
CREATE TRIGGER posts_count_visible_update AFTER UPDATE ON posts REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts FOR EACH STATEMENT EXECUTE FUNCTION sah_posts_count_visible_updated();
