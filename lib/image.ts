/** Throws unless `image` carries an explicit tag or sha256 digest, and the tag is not `latest`; `prop` names the property. */
export function validatePinnedImage(image: string, prop = 'image'): void {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
  const validDigest = digest !== undefined && /^sha256:[0-9a-f]{64}$/.test(digest);
  const validTag = tag !== undefined && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) && tag !== 'latest';
  const malformed = /\s/.test(image) || (digest !== undefined && !validDigest) || (tag !== undefined && !validTag);
  if (malformed || !(validDigest || validTag)) {
    throw new Error(`${prop} "${image}" must be pinned to a tag or sha256 digest other than latest`);
  }
}
