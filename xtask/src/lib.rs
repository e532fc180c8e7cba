//! Release tasks that are programs rather than scripts. The Tauri bundler makes the installers;
//! its AppImage step runs linuxdeploy, which it would download from GitHub. ODOP Desk gives it
//! its own in that place instead: `odop-appdir`, which completes the bundler's AppDir with the
//! recipe here and packs it behind `odop-launcher`.
//!
//! It owns the bundle's recipe (what goes into the folder tree, and how the pieces find each
//! other) and the way the Tauri CLI is run on the app. It must not know the app's internals, nor
//! how the image is unpacked at run time (that is `odop-launcher`'s).

pub mod appimage;
