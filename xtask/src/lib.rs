//! Release tasks that are programs rather than scripts. Today that is the AppImage: the Tauri
//! bundler makes the .deb itself, but its AppImage step downloads linuxdeploy and an AppImage
//! runtime from GitHub, so ODOP Desk assembles its AppImage here from the built app, the
//! system's libraries and its own start program, `odop-launcher`.
//!
//! It owns the bundle's recipe (what goes into the folder tree, and how the pieces find each
//! other). It must not know the app's internals, nor how the image is unpacked at run time (that
//! is `odop-launcher`'s).

pub mod appimage;
