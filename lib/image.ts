/** Throws unless `image` carries an explicit tag or digest other than `latest`; `prop` names the property. */
export function validatePinnedImage(image: string, prop = 'image'): void {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const pinned = image.includes('@sha256:') || (lastSegment.includes(':') && !lastSegment.endsWith(':latest'));
  if (!pinned || /\s/.test(image)) {
    throw new Error(`${prop} "${image}" must be pinned to a tag or digest other than latest`);
  }
}
