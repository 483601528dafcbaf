//! Keys while a popup (confirmation, type picker, one-line input, help) is open.

use super::*;

#[allow(clippy::too_many_lines)] // TODO(issue 20): split
pub(super) fn on_popup_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let popup = app.popup.take().expect("checked");
    match popup {
        Popup::Help { scroll } => {
            let scroll = match lookup(Ctx::Help, &k) {
                Some(Cmd::Cancel) => return vec![],
                Some(Cmd::Down) => scroll.saturating_add(1),
                Some(Cmd::Up) => scroll.saturating_sub(1),
                Some(Cmd::PageDown) => scroll.saturating_add(10),
                Some(Cmd::PageUp) => scroll.saturating_sub(10),
                _ => scroll,
            };
            app.popup = Some(Popup::Help { scroll });
            vec![]
        }
        Popup::Message { scroll } => {
            let scroll = match lookup(Ctx::Message, &k) {
                Some(Cmd::Cancel) => return vec![],
                Some(Cmd::Down) => scroll.saturating_add(1),
                Some(Cmd::Up) => scroll.saturating_sub(1),
                _ => scroll,
            };
            app.popup = Some(Popup::Message { scroll });
            vec![]
        }
        Popup::Confirm { what, yes } => match lookup(Ctx::Confirm, &k) {
            Some(Cmd::Toggle) => {
                app.popup = Some(Popup::Confirm { what, yes: !yes });
                vec![]
            }
            Some(Cmd::Yes) => confirmed(app, what),
            Some(Cmd::Choose) if yes => confirmed(app, what),
            Some(Cmd::Choose | Cmd::No) => vec![],
            _ => {
                app.popup = Some(Popup::Confirm { what, yes });
                vec![]
            }
        },
        Popup::Azure(p) => crate::tui::azure_pick::on_key(app, p, k),
        Popup::PickDeployment {
            target,
            items,
            cursor,
        } => {
            match lookup(Ctx::PickDeployment, &k) {
                Some(Cmd::Up) => {
                    app.popup = Some(Popup::PickDeployment {
                        target,
                        items,
                        cursor: cursor.saturating_sub(1),
                    })
                }
                Some(Cmd::Down) => {
                    let cursor = (cursor + 1).min(items.len().saturating_sub(1));
                    app.popup = Some(Popup::PickDeployment {
                        target,
                        items,
                        cursor,
                    })
                }
                Some(Cmd::Choose) => {
                    if let Some(d) = items.get(cursor) {
                        pick_deployment(app, &target, &d.id);
                    }
                }
                Some(Cmd::Cancel) => {}
                _ => {
                    app.popup = Some(Popup::PickDeployment {
                        target,
                        items,
                        cursor,
                    })
                }
            }
            vec![]
        }
        Popup::PickType { cursor } => {
            let n = type_order().len();
            match lookup(Ctx::PickType, &k) {
                Some(Cmd::Up) => {
                    app.popup = Some(Popup::PickType {
                        cursor: cursor.saturating_sub(1),
                    })
                }
                Some(Cmd::Down) => {
                    app.popup = Some(Popup::PickType {
                        cursor: (cursor + 1).min(n - 1),
                    })
                }
                Some(Cmd::Top) => app.popup = Some(Popup::PickType { cursor: 0 }),
                Some(Cmd::Bottom) => app.popup = Some(Popup::PickType { cursor: n - 1 }),
                Some(Cmd::Choose) => {
                    let spec = type_order()[cursor];
                    let id = EntryId::New(app.next_new);
                    app.next_new += 1;
                    app.drafts.push((id.clone(), Form::new(spec)));
                    app.selected = Some(id);
                    app.focus = Focus::Form;
                    app.editing = true;
                }
                Some(Cmd::SignIn) if app.az_available => return crate::tui::azure_pick::open(app),
                Some(Cmd::Cancel) => {}
                _ => app.popup = Some(Popup::PickType { cursor }),
            }
            vec![]
        }
        Popup::Input {
            for_,
            mut input,
            error,
        } => match lookup(Ctx::Input, &k) {
            // The worker is waiting for the passphrase: closing the dialog answers "none".
            Some(Cmd::Cancel) if matches!(for_, InputFor::VaultPassphrase { .. }) => {
                app.set_status(Level::Info, s::VAULT_STAYS_LOCKED);
                vec![Effect::Passphrase(None)]
            }
            Some(Cmd::Cancel) => vec![],
            // As everywhere text is typed: Ctrl-U empties it (never the textarea's undo).
            Some(Cmd::ClearText) => {
                let input = crate::tui::form::input("");
                app.popup = Some(Popup::Input { for_, input, error });
                vec![]
            }
            Some(Cmd::Quit) => {
                app.popup = Some(Popup::Input { for_, input, error });
                request_quit(app)
            }
            Some(Cmd::Choose) => {
                let text = text_of(&input).trim().to_string();
                match &for_ {
                    InputFor::Rename(old) => {
                        // A taken name is said here, with what was typed still in the box.
                        let taken = text != *old && app.stored_conn(&text).is_some();
                        let checked = crate::model::validate_name(&text).and_then(|()| {
                            if taken {
                                Err(s::name_taken(&text))
                            } else {
                                Ok(())
                            }
                        });
                        if let Err(e) = checked {
                            app.popup = Some(Popup::Input {
                                for_,
                                input,
                                error: Some(e),
                            });
                            return vec![];
                        }
                        if text == *old {
                            return vec![];
                        }
                        vec![Effect::Rename {
                            old: old.clone(),
                            new: text,
                        }]
                    }
                    InputFor::VaultPassphrase { create, first } => {
                        super::vault::submitted(app, *create, first.clone(), text_of(&input))
                    }
                    InputFor::SecretSource { .. } => {
                        let Some(f) = selected_form(app) else {
                            return vec![];
                        };
                        let recorded: Vec<String> = f
                            .base
                            .as_ref()
                            .map(|b| b.secrets.keys().cloned().collect())
                            .unwrap_or_default();
                        let Some((field_input, sec, key)) = f.focused_secret_mut() else {
                            return vec![];
                        };
                        if text.is_empty() {
                            // No reference chosen here: back to what is recorded now (a stored
                            // value or the file's reference), which a typed value replaces.
                            if sec.reference().is_some() {
                                sec.state = if recorded.contains(&key) {
                                    SecretInput::Stored
                                } else {
                                    SecretInput::Empty
                                };
                            }
                            app.set_status(Level::Info, super::s::SECRET_SOURCE_KEPT);
                            return vec![];
                        }
                        let r = match crate::secrets::refs::SecretRef::parse_checked(&text) {
                            Ok(r) => r,
                            Err(e) => {
                                app.popup = Some(Popup::Input {
                                    for_,
                                    input,
                                    error: Some(e.to_string()),
                                });
                                return vec![];
                            }
                        };
                        let approve = r.command().map(|c| Effect::ApproveCommand {
                            command: c.to_string(),
                        });
                        sec.use_reference(field_input, r);
                        app.set_status(Level::Info, super::s::secret_source_set());
                        approve.into_iter().collect()
                    }
                    InputFor::AddKv { secret } => {
                        // The connection may have been deleted meanwhile (by another program).
                        let Some(f) = selected_form(app) else {
                            return vec![];
                        };
                        if !crate::model::valid_custom_key(&text)
                            || f.kv.iter().any(|r| r.key == text)
                        {
                            let e = format!(
                                "'{}' is empty, taken, or has '.', '=' or spaces",
                                crate::sanitize::for_terminal(&text)
                            );
                            app.popup = Some(Popup::Input {
                                for_,
                                input,
                                error: Some(e),
                            });
                            return vec![];
                        }
                        f.kv.push(Field::new_row(&text, *secret));
                        let rows = f.rows();
                        f.focus = rows
                            .iter()
                            .position(|r| *r == Row::Kv(f.kv.len() - 1))
                            .unwrap_or(0);
                        app.editing = true;
                        vec![]
                    }
                }
            }
            _ => {
                input.input(k);
                app.popup = Some(Popup::Input { for_, input, error });
                vec![]
            }
        },
    }
}

pub(super) fn confirmed(app: &mut App, what: Confirm) -> Vec<Effect> {
    match what {
        Confirm::Quit => {
            app.quit = true;
            vec![]
        }
        Confirm::LeaveSetup => {
            app.wizard = None;
            vec![]
        }
        Confirm::Delete(name) => {
            vec![Effect::Delete { name }]
        }
        Confirm::SendKeyTo { target, .. } => match app.target_form(&target) {
            Some(f) => vec![super::test_effect(
                target,
                f,
                crate::conntest::UnknownHosts::Send,
            )],
            None => vec![],
        },
        Confirm::Discard(id) => {
            app.drafts.retain(|(d, _)| *d != id);
            app.editing = false;
            app.fix_selection();
            if matches!(id, EntryId::New(_)) {
                app.focus = Focus::List;
            }
            app.set_status(Level::Info, s::DISCARDED);
            vec![]
        }
    }
}
