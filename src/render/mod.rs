//! Rendering: what the learner sees, made from the lesson model (captions so far).

pub mod captions;
