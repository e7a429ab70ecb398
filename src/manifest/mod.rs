//! Manifest writers: `imsmanifest.xml` for SCORM 1.2 and SCORM 2004, with stable identifiers.
