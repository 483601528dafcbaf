//! The operation a request URL names, as data: which API route it is (the Responses API,
//! chat completions, ...). Read from the path's tail, beyond the endpoint's base.

use serde::Serialize;

/// A route of the OpenAI-shaped APIs (Azure OpenAI, the v1 API, Foundry, OpenAI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    ChatCompletions,
    Completions,
    Embeddings,
    ImageEmbeddings,
    ImageGenerations,
    ImageEdits,
    AudioTranscriptions,
    AudioTranslations,
    AudioSpeech,
    /// The Responses API (`/openai/v1/responses`, `/openai/responses?api-version=`).
    Responses,
    Info,
    Models,
    Rerank,
    Realtime,
}

/// Longest first, so `images/embeddings` wins over `embeddings`.
const ROUTES: &[(&[&str], Route)] = &[
    (&["chat", "completions"], Route::ChatCompletions),
    (&["images", "embeddings"], Route::ImageEmbeddings),
    (&["images", "generations"], Route::ImageGenerations),
    (&["images", "edits"], Route::ImageEdits),
    (&["audio", "transcriptions"], Route::AudioTranscriptions),
    (&["audio", "translations"], Route::AudioTranslations),
    (&["audio", "speech"], Route::AudioSpeech),
    (&["completions"], Route::Completions),
    (&["embeddings"], Route::Embeddings),
    (&["responses"], Route::Responses),
    (&["info"], Route::Info),
    (&["models"], Route::Models),
    (&["rerank"], Route::Rerank),
    (&["realtime"], Route::Realtime),
];

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::ChatCompletions => "chat_completions",
            Route::Completions => "completions",
            Route::Embeddings => "embeddings",
            Route::ImageEmbeddings => "image_embeddings",
            Route::ImageGenerations => "image_generations",
            Route::ImageEdits => "image_edits",
            Route::AudioTranscriptions => "audio_transcriptions",
            Route::AudioTranslations => "audio_translations",
            Route::AudioSpeech => "audio_speech",
            Route::Responses => "responses",
            Route::Info => "info",
            Route::Models => "models",
            Route::Rerank => "rerank",
            Route::Realtime => "realtime",
        }
    }

    /// What the route is, for a person.
    pub fn words(self) -> &'static str {
        match self {
            Route::ChatCompletions => "the Chat Completions API",
            Route::Responses => "the Responses API",
            Route::Models => "the models list",
            Route::Embeddings | Route::ImageEmbeddings => "an embeddings API",
            Route::Realtime => "the Realtime API",
            _ => "an operation of the API",
        }
    }
}

/// The route the path `segs` ends with, when it reaches past the path of `base` (a base
/// that itself ends in `/models` names no route).
pub(super) fn after_base(segs: &[String], base: Option<&str>) -> Option<Route> {
    let base_len = base
        .and_then(|b| url::Url::parse(b).ok())
        .and_then(|b| {
            b.path_segments()
                .map(|p| p.filter(|s| !s.is_empty()).count())
        })
        .unwrap_or(0);
    let tail = segs.get(base_len..)?;
    ROUTES.iter().find_map(|(words, route)| {
        let n = words.len();
        (tail.len() >= n
            && tail[tail.len() - n..]
                .iter()
                .zip(words.iter())
                .all(|(a, b)| a.eq_ignore_ascii_case(b)))
        .then_some(*route)
    })
}

/// The base of a request URL on a host aiconn does not know (a loopback server, a gateway):
/// the URL without the route it ends in and without its query, so a pasted request URL is
/// stored as the base its clients append the route to. `None` for `/models` and `/info`,
/// which are a base's own last segment as often as a route.
/// `url` is the classifier's parse (always as https); `scheme` the one typed.
pub(super) fn base_before(url: &url::Url, scheme: &str, route: Option<Route>) -> Option<String> {
    let route = route.filter(|r| !matches!(r, Route::Models | Route::Info))?;
    let n = ROUTES.iter().find(|(_, r)| *r == route)?.0.len();
    let segs: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let prefix = segs.get(..segs.len().checked_sub(n)?)?;
    let origin =
        url.origin()
            .ascii_serialization()
            .replacen("https://", &format!("{scheme}://"), 1);
    Some(if prefix.is_empty() {
        origin
    } else {
        format!("{origin}/{}", prefix.join("/"))
    })
}
