//! What the change log records: which resource changed, how editors and
//! the public saw it, when, and who did it.

use chrono::NaiveDateTime;

crate::text_enum! {
    /// The kinds of resource the change log follows (the collection names
    /// of the API).
    #[schema(as = ChangeType)]
    pub enum Kind {
        Articles = "articles",
        Events = "events",
        Officials = "officials",
        Organizations = "organizations",
        Categories = "categories",
        Tags = "tags",
        Comments = "comments",
        Media = "media",
        Documents = "documents",
        Pages = "pages",
        Links = "links",
        Playlists = "playlists",
    }
}

impl Kind {
    /// The name webhook events start with (`article.published`).
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Articles => "article",
            Kind::Events => "event",
            Kind::Officials => "official",
            Kind::Organizations => "organization",
            Kind::Categories => "category",
            Kind::Tags => "tag",
            Kind::Comments => "comment",
            Kind::Media => "media",
            Kind::Documents => "document",
            Kind::Pages => "page",
            Kind::Links => "link_group",
            Kind::Playlists => "playlist",
        }
    }

    pub fn from_singular(name: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .filter_map(|k| Kind::parse(k))
            .find(|k| k.singular() == name)
    }

    /// What the public is told when an item of this kind appears and when it
    /// leaves public view without being deleted.
    fn verbs(self) -> (Event, Event) {
        match self {
            Kind::Articles | Kind::Events => (Event::Published, Event::Unpublished),
            Kind::Comments => (Event::Approved, Event::Removed),
            _ => (Event::Created, Event::Deleted),
        }
    }

    /// Every public event an item of this kind can have.
    pub fn events(self) -> Vec<Event> {
        let (appeared, vanished) = self.verbs();
        let mut all = vec![appeared, Event::Updated, vanished, Event::Deleted];
        all.dedup();
        all
    }
}

crate::text_enum! {
    /// An item is there (with its current data) or gone (a tombstone).
    #[schema(as = ChangeOp)]
    pub enum Op {
        Upsert = "upsert",
        Delete = "delete",
    }
}

crate::text_enum! {
    /// What the public saw happen to an item; the second half of a webhook
    /// event's name (`article.unpublished`).
    pub enum Event {
        Published = "published",
        Created = "created",
        Approved = "approved",
        Updated = "updated",
        Unpublished = "unpublished",
        Removed = "removed",
        Deleted = "deleted",
    }
}

impl Event {
    /// What the public copy of the item does: stays (with new data) or goes.
    pub fn op(self) -> Op {
        match self {
            Event::Published | Event::Created | Event::Approved | Event::Updated => Op::Upsert,
            Event::Unpublished | Event::Removed | Event::Deleted => Op::Delete,
        }
    }

    /// The public event of a change, from whether the item was public before
    /// it and is after it; `None` when the public saw nothing.
    pub fn of(kind: Kind, op: Op, was_public: bool, is_public: bool) -> Option<Event> {
        let (appeared, vanished) = kind.verbs();
        match (was_public, is_public && op == Op::Upsert) {
            (false, true) => Some(appeared),
            (true, true) => Some(Event::Updated),
            (true, false) if op == Op::Delete => Some(Event::Deleted),
            (true, false) => Some(vanished),
            (false, false) => None,
        }
    }
}

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    /// An integration key.
    Key(i64),
    /// Timed publishing.
    Scheduler,
    /// An anonymous reader (a comment posted).
    Public,
    /// bantin itself: an import, the first start after an upgrade.
    System,
}

impl Actor {
    pub fn parts(self) -> (&'static str, Option<i64>) {
        match self {
            Actor::User(id) => ("user", Some(id)),
            Actor::Key(id) => ("key", Some(id)),
            Actor::Scheduler => ("scheduler", None),
            Actor::Public => ("public", None),
            Actor::System => ("system", None),
        }
    }

    pub fn from_parts(kind: &str, id: Option<i64>) -> Actor {
        match (kind, id) {
            ("user", Some(id)) => Actor::User(id),
            ("key", Some(id)) => Actor::Key(id),
            ("scheduler", _) => Actor::Scheduler,
            ("public", _) => Actor::Public,
            _ => Actor::System,
        }
    }

    /// The user behind a change, when it is a person.
    pub fn user_id(self) -> Option<i64> {
        match self {
            Actor::User(id) => Some(id),
            _ => None,
        }
    }
}

/// When a write happens and who makes it: what every store that writes
/// content is given, and what the change log records.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    pub at: NaiveDateTime,
    pub by: Actor,
}

impl Stamp {
    pub fn new(at: NaiveDateTime, by: Actor) -> Self {
        Stamp { at, by }
    }

    pub fn system(at: NaiveDateTime) -> Self {
        Stamp { at, by: Actor::System }
    }
}

/// One item a write touched, as the change log records it.
#[derive(Debug, Clone)]
pub struct Touched {
    pub id: i64,
    pub slug: Option<String>,
    pub op: Op,
    pub was_public: bool,
    pub is_public: bool,
}

impl Touched {
    /// An item written (created or changed).
    pub fn upsert(id: i64, slug: Option<String>, was_public: bool, is_public: bool) -> Self {
        Touched {
            id,
            slug,
            op: Op::Upsert,
            was_public,
            is_public,
        }
    }

    /// An item removed.
    pub fn delete(id: i64, slug: Option<String>, was_public: bool) -> Self {
        Touched {
            id,
            slug,
            op: Op::Delete,
            was_public,
            is_public: false,
        }
    }

    /// An item whose representation changed because something it embeds did
    /// (a category renamed, a tag removed): public before and after if it is
    /// public now.
    pub fn dependent(id: i64, slug: Option<String>, is_public: bool) -> Self {
        Touched::upsert(id, slug, is_public, is_public)
    }
}

/// A row of the log.
#[derive(Debug, Clone, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::db::schema::changes)]
pub struct ChangeRow {
    pub seq: i64,
    pub kind: String,
    pub resource_id: i64,
    pub slug: Option<String>,
    pub op: String,
    pub event: Option<String>,
    pub at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
}

impl ChangeRow {
    pub fn kind(&self) -> Option<Kind> {
        Kind::parse(&self.kind)
    }

    pub fn event(&self) -> Option<Event> {
        self.event.as_deref().and_then(Event::parse)
    }

    pub fn actor(&self) -> Actor {
        Actor::from_parts(&self.actor_kind, self.actor_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_events_follow_visibility() {
        use Event::*;
        let a = Kind::Articles;
        assert_eq!(Event::of(a, Op::Upsert, false, false), None);
        assert_eq!(Event::of(a, Op::Upsert, false, true), Some(Published));
        assert_eq!(Event::of(a, Op::Upsert, true, true), Some(Updated));
        assert_eq!(Event::of(a, Op::Upsert, true, false), Some(Unpublished));
        assert_eq!(Event::of(a, Op::Delete, true, false), Some(Deleted));
        assert_eq!(Event::of(a, Op::Delete, false, false), None);
        assert_eq!(Event::of(Kind::Comments, Op::Upsert, false, true), Some(Approved));
        assert_eq!(Event::of(Kind::Comments, Op::Upsert, true, false), Some(Removed));
        assert_eq!(Event::of(Kind::Tags, Op::Upsert, false, true), Some(Created));
        assert_eq!(Event::of(Kind::Tags, Op::Delete, true, true), Some(Deleted));
        assert_eq!(Kind::Tags.events(), vec![Created, Updated, Deleted]);
        assert_eq!(Kind::from_singular("official"), Some(Kind::Officials));
    }
}
