/**
 * Endoscopy systems on the DICOM standards they share, for vendor profile bundles: an
 * {@link org.telehub.endoscopy.EndoscopyProfile} is a vendor's defaults, each with where it comes from; an
 * {@link org.telehub.endoscopy.EndoscopySystem} is one configured system (Modality Worklist, MPPS and storage SCPs,
 * analysis results back), which a profile's component extends; an {@link org.telehub.endoscopy.EndoscopyForm} is the
 * web console's form of a profile's systems (a Metatype provider). No DICOM library type crosses this API.
 */
@Version("1.1.0")
package org.telehub.endoscopy;

import org.osgi.annotation.versioning.Version;
