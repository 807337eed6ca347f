//! The notes pages. HTML forms only send GET and POST, so editing and
//! deleting are `POST /notes/:id` and `POST /notes/:id/delete`.

use nestling::Response;
use nestling::http::StatusCode;
use nestling::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use super::NotesService;
use crate::current_user::CurrentUser;

/// A note as typed in its form.
#[derive(Debug, Default, Deserialize, Serialize, Validate)]
#[serde(default)]
pub struct NoteForm {
    #[validate(length(min = 1, max = 100))]
    pub title: String,
    #[validate(length(max = 10000))]
    pub body: String,
}

#[injectable]
pub struct NotesController {
    notes: Inject<NotesService>,
}

fn not_found(id: u64) -> HttpException {
    NotFoundException::new(format!("Note #{id} not found"))
}

#[controller("notes")]
impl NotesController {
    #[get]
    #[render("notes/index")]
    async fn index(&self, user: CurrentUser) -> serde_json::Value {
        json!({
            "notes": self.notes.list(user.id),
            "form": NoteForm::default(),
            "errors": {},
        })
    }

    #[post]
    async fn create(
        &self,
        user: CurrentUser,
        form: Result<Valid<NoteForm>, Invalid<NoteForm>>,
        mut flash: Flash,
    ) -> Result<Redirect, (StatusCode, View)> {
        match form {
            Ok(Valid(form)) => {
                self.notes.create(user.id, &form.title, &form.body);
                let _ = flash.add("success", "Note added.");
                Ok(Redirect::see_other("/notes"))
            }
            Err(Invalid { value, errors }) => {
                let view = render(
                    "notes/index",
                    &json!({ "notes": self.notes.list(user.id), "form": value, "errors": errors }),
                );
                Err((StatusCode::UNPROCESSABLE_ENTITY, view))
            }
        }
    }

    #[get(":id/edit")]
    #[render("notes/edit")]
    async fn edit(
        &self,
        user: CurrentUser,
        id: Param<u64>,
    ) -> Result<serde_json::Value, HttpException> {
        let note = self
            .notes
            .find(user.id, *id)
            .ok_or_else(|| not_found(*id))?;
        Ok(json!({ "note": note, "form": note, "errors": {} }))
    }

    #[post(":id")]
    async fn update(
        &self,
        user: CurrentUser,
        id: Param<u64>,
        form: Result<Valid<NoteForm>, Invalid<NoteForm>>,
        mut flash: Flash,
    ) -> Result<Redirect, Response> {
        let note = self
            .notes
            .find(user.id, *id)
            .ok_or_else(|| not_found(*id).into_response())?;
        match form {
            Ok(Valid(form)) => {
                self.notes.update(user.id, note.id, &form.title, &form.body);
                let _ = flash.add("success", "Note saved.");
                Ok(Redirect::see_other("/notes"))
            }
            Err(Invalid { value, errors }) => {
                let view = render(
                    "notes/edit",
                    &json!({ "note": note, "form": value, "errors": errors }),
                );
                Err((StatusCode::UNPROCESSABLE_ENTITY, view).into_response())
            }
        }
    }

    #[post(":id/delete")]
    async fn delete(
        &self,
        user: CurrentUser,
        id: Param<u64>,
        mut flash: Flash,
    ) -> Result<Redirect, HttpException> {
        if !self.notes.delete(user.id, *id) {
            return Err(not_found(*id));
        }
        flash.add("success", "Note deleted.")?;
        Ok(Redirect::see_other("/notes"))
    }
}
