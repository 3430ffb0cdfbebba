//! The same three tables as each peer declares them: SeaORM entities, diesel
//! tables and sqlx rows, written the way each one's guide writes them.

/// sqlx's rows (`FromRow`).
pub mod sqlx_rows {
    #[allow(dead_code)]
    #[derive(sqlx::FromRow)]
    pub struct User {
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
    }

    #[allow(dead_code)]
    #[derive(sqlx::FromRow)]
    pub struct Post {
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
    }

    #[allow(dead_code)]
    #[derive(sqlx::FromRow)]
    pub struct Comment {
        pub id: i32,
        pub post_id: i32,
        pub text: String,
    }

    /// A user left-joined with a post.
    #[allow(dead_code)]
    #[derive(sqlx::FromRow)]
    pub struct UserPost {
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
        pub post_id: Option<i32>,
        pub user_id: Option<i32>,
        pub title: Option<String>,
        pub body: Option<String>,
    }
}

/// SeaORM's entities.
pub mod sea {
    pub mod user {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "users")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i32,
            pub name: String,
            pub hair_color: Option<String>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            #[sea_orm(has_many = "super::post::Entity")]
            Post,
        }

        impl Related<super::post::Entity> for Entity {
            fn to() -> RelationDef {
                Relation::Post.def()
            }
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod post {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "posts")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i32,
            pub user_id: i32,
            pub title: String,
            pub body: Option<String>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            #[sea_orm(
                belongs_to = "super::user::Entity",
                from = "Column::UserId",
                to = "super::user::Column::Id"
            )]
            User,
            #[sea_orm(has_many = "super::comment::Entity")]
            Comment,
        }

        impl Related<super::user::Entity> for Entity {
            fn to() -> RelationDef {
                Relation::User.def()
            }
        }

        impl Related<super::comment::Entity> for Entity {
            fn to() -> RelationDef {
                Relation::Comment.def()
            }
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod comment {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "comments")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i32,
            pub post_id: i32,
            pub text: String,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            #[sea_orm(
                belongs_to = "super::post::Entity",
                from = "Column::PostId",
                to = "super::post::Column::Id"
            )]
            Post,
        }

        impl Related<super::post::Entity> for Entity {
            fn to() -> RelationDef {
                Relation::Post.def()
            }
        }

        impl ActiveModelBehavior for ActiveModel {}
    }
}

/// diesel's tables and rows.
pub mod dsl {
    use diesel::prelude::*;

    diesel::table! {
        users (id) {
            id -> Int4,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts (id) {
            id -> Int4,
            user_id -> Int4,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        comments (id) {
            id -> Int4,
            post_id -> Int4,
            text -> Text,
        }
    }

    diesel::joinable!(posts -> users (user_id));
    diesel::joinable!(comments -> posts (post_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

    #[allow(dead_code)]
    #[derive(Queryable, Selectable, Identifiable)]
    #[diesel(table_name = users)]
    pub struct User {
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
    }

    #[derive(Insertable)]
    #[diesel(table_name = users)]
    pub struct NewUser<'a> {
        pub name: &'a str,
        pub hair_color: Option<&'a str>,
    }

    #[allow(dead_code)]
    #[derive(Queryable, Selectable, Identifiable, Associations)]
    #[diesel(belongs_to(User))]
    #[diesel(table_name = posts)]
    pub struct Post {
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
    }

    #[allow(dead_code)]
    #[derive(Queryable, Selectable, Identifiable, Associations)]
    #[diesel(belongs_to(Post))]
    #[diesel(table_name = comments)]
    pub struct Comment {
        pub id: i32,
        pub post_id: i32,
        pub text: String,
    }
}
