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

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(articles -> categories (category_id));
diesel::joinable!(articles -> users (author_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));

diesel::allow_tables_to_appear_in_same_query!(users, refresh_tokens, categories, tags, articles, article_tags);
