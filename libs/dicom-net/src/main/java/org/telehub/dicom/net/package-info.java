/**
 * DICOM networking shared by the PACS and endoscopy adapters, on PixelMed. Copied privately into each adapter.
 */
package org.telehub.dicom.net;
