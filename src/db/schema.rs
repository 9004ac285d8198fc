// Written by hand (see diesel.toml): one schema for every engine.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        session_version -> Integer,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        session_id -> Text,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    articles (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        summary -> Nullable<Text>,
        cover_image -> Nullable<Text>,
        images -> Text,
        byline -> Nullable<Text>,
        category_id -> Nullable<BigInt>,
        author_id -> Nullable<BigInt>,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        comments_enabled -> Bool,
        view_count -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        body -> Text,
    }
}

diesel::table! {
    article_tags (article_id, tag_id) {
        article_id -> BigInt,
        tag_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    idempotency_keys (key) {
        key -> Text,
        request_hash -> Text,
        status -> Nullable<Integer>,
        location -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
        etag -> Nullable<Text>,
    }
}

diesel::table! {
    media (id) {
        id -> BigInt,
        kind -> Text,
        mime_type -> Text,
        extension -> Text,
        sha256 -> Text,
        size -> BigInt,
        original_name -> Nullable<Text>,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        duration_ms -> Nullable<BigInt>,
        placeholder -> Nullable<Text>,
        color -> Nullable<Text>,
        variants -> Text,
        alt -> Nullable<Text>,
        caption -> Nullable<Text>,
        credit -> Nullable<Text>,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    media_uses (media_id, owner_kind, owner_id) {
        media_id -> BigInt,
        owner_kind -> Text,
        owner_id -> BigInt,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        slug -> Text,
        number -> Text,
        number_key -> Text,
        doc_type -> Text,
        issuer_id -> Nullable<BigInt>,
        issuer_name -> Nullable<Text>,
        signer_id -> Nullable<BigInt>,
        signer_name -> Nullable<Text>,
        issued_on -> Date,
        effective_from -> Nullable<Date>,
        expires_on -> Nullable<Date>,
        summary -> Text,
        field -> Nullable<Text>,
        status -> Text,
        replaced_by -> Nullable<BigInt>,
        attachments -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pages (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        title_en -> Nullable<Text>,
        body -> Text,
        body_en -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        position -> Integer,
        map -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    link_groups (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        name_en -> Nullable<Text>,
        position -> Integer,
        links -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    playlists (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        description -> Nullable<Text>,
        position -> Integer,
        tracks -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(articles -> categories (category_id));
diesel::joinable!(articles -> users (author_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));

diesel::table! {
    organizations (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        name_en -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        address -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        description -> Nullable<Text>,
        description_en -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        logo -> Nullable<Text>,
    }
}

diesel::table! {
    officials (id) {
        id -> BigInt,
        slug -> Text,
        full_name -> Text,
        name_folded -> Text,
        photo_url -> Nullable<Text>,
        bio -> Nullable<Text>,
        bio_en -> Nullable<Text>,
        office_phone -> Nullable<Text>,
        email -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        photo -> Nullable<Text>,
    }
}

diesel::table! {
    positions (id) {
        id -> BigInt,
        official_id -> BigInt,
        organization_id -> BigInt,
        title -> Text,
        title_en -> Nullable<Text>,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        rank -> Integer,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        title_en -> Nullable<Text>,
        description -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        occupies_until -> Timestamp,
        all_day -> Bool,
        location -> Nullable<Text>,
        organization_id -> Nullable<BigInt>,
        status -> Text,
        category -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_officials (event_id, official_id) {
        event_id -> BigInt,
        official_id -> BigInt,
        role -> Text,
    }
}

diesel::table! {
    article_officials (article_id, official_id) {
        article_id -> BigInt,
        official_id -> BigInt,
    }
}

diesel::table! {
    article_events (article_id, event_id) {
        article_id -> BigInt,
        event_id -> BigInt,
    }
}

diesel::table! {
    challenges (id) {
        id -> Text,
        answer_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        article_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_name -> Text,
        author_email -> Text,
        body -> Text,
        body_hash -> Text,
        status -> Text,
        client_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ratings (article_id, visitor_id) {
        article_id -> BigInt,
        visitor_id -> Text,
        score -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    article_stats (article_id) {
        article_id -> BigInt,
        comment_count -> BigInt,
        rating_count -> BigInt,
        rating_sum -> BigInt,
        rating_1 -> BigInt,
        rating_2 -> BigInt,
        rating_3 -> BigInt,
        rating_4 -> BigInt,
        rating_5 -> BigInt,
    }
}

diesel::table! {
    site_counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    changes (seq) {
        seq -> BigInt,
        kind -> Text,
        resource_id -> BigInt,
        slug -> Nullable<Text>,
        op -> Text,
        event -> Nullable<Text>,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    slug_history (kind, slug) {
        kind -> Text,
        slug -> Text,
        resource_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Text,
        allowed_origins -> Text,
        requests_per_minute -> Integer,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_key_usage (key_id, day) {
        key_id -> BigInt,
        day -> Date,
        requests -> BigInt,
    }
}

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        name -> Text,
        url -> Text,
        events -> Text,
        secret -> Text,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        failures -> Integer,
        cursor -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        event -> Text,
        seq -> Nullable<BigInt>,
        kind -> Text,
        resource_id -> BigInt,
        data -> Text,
        occurred_at -> Timestamp,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_duration_ms -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(comments -> articles (article_id));
diesel::joinable!(ratings -> articles (article_id));
diesel::joinable!(article_stats -> articles (article_id));

diesel::joinable!(positions -> officials (official_id));
diesel::joinable!(positions -> organizations (organization_id));
diesel::joinable!(events -> organizations (organization_id));
diesel::joinable!(event_officials -> events (event_id));
diesel::joinable!(event_officials -> officials (official_id));
diesel::joinable!(article_officials -> articles (article_id));
diesel::joinable!(article_officials -> officials (official_id));
diesel::joinable!(article_events -> articles (article_id));
diesel::joinable!(article_events -> events (event_id));
diesel::joinable!(api_key_usage -> api_keys (key_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(media_uses -> media (media_id));
diesel::joinable!(documents -> organizations (issuer_id));
diesel::joinable!(documents -> officials (signer_id));

diesel::allow_tables_to_appear_in_same_query!(
    idempotency_keys,
    organizations,
    officials,
    positions,
    events,
    event_officials,
    article_officials,
    article_events,
    articles,
    users,
    refresh_tokens,
    categories,
    tags,
    article_tags,
    challenges,
    comments,
    ratings,
    article_stats,
    site_counters,
    changes,
    slug_history,
    api_keys,
    api_key_usage,
    webhooks,
    webhook_deliveries,
    media,
    media_uses,
    documents,
    pages,
    link_groups,
    playlists,
);
