/** Image routes (list with filters, get, update, delete) and the seeded system images. */
import * as fs from "fs";
import { Router } from "./router";
import { CloudState, ImageRecord, isoNow } from "./state";
import { SimApiError, locked } from "./errors";
import { bodyObject, findById } from "./params";
import { checkLabels, selectorPredicate } from "./labels";
import { listResponse, sortItems } from "./pagination";

/** System images every project sees (ids modelled on the real ones), for both architectures. */
export function seedSystemImages(state: CloudState): void {
  const seeds: [number, string, string, string, "x86" | "arm", string][] = [
    [114690387, "debian-12", "Debian 12", "debian", "x86", "2023-06-13T06:00:02Z"],
    [114690389, "debian-12", "Debian 12", "debian", "arm", "2023-06-13T06:00:04Z"],
    [161547269, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "x86", "2024-04-25T14:16:02Z"],
    [161547270, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "arm", "2024-04-25T14:16:04Z"],
  ];
  for (const [id, name, description, flavor, architecture, created] of seeds) {
    state.images.set(id, {
      id,
      type: "system",
      status: "available",
      name,
      description,
      image_size: null,
      disk_size: 5,
      created,
      created_from: null,
      bound_to: null,
      os_flavor: flavor,
      os_version: name.split("-")[1],
      labels: {},
      architecture,
      deleted: null,
    });
  }
}

/** The image as the API renders it (the disk file stays private). */
export function renderImage(img: ImageRecord): unknown {
  const { file: _file, ...rest } = img;
  return { ...rest, rapid_deploy: img.type === "system", protection: { delete: false }, deprecated: null };
}

/** Registers GET /images, GET/PUT/DELETE /images/{id}. */
export function registerImageRoutes(router: Router, state: CloudState): void {
  const find = (raw: string) => findById(state.images, raw, "image");
  router.add("GET", "/images", (req) => {
    const items = [...state.images.values()].filter(imageFilter(req.query));
    return listResponse("images", sortItems(items, req.query.getAll("sort"), IMAGE_SORT), req, renderImage);
  });
  router.add("GET", "/images/{id}", (req) => ({ status: 200, body: { image: renderImage(find(req.params.id)) } }));
  router.add("PUT", "/images/{id}", (req) => {
    const img = find(req.params.id);
    if (img.type === "system") throw new SimApiError(403, "forbidden", "system images cannot be modified");
    const b = bodyObject(req.body);
    if (typeof b.description === "string") img.description = b.description;
    if (b.labels !== undefined) img.labels = checkLabels(b.labels as Record<string, string>); // PUT replaces all labels
    if (b.type === "snapshot") img.type = "snapshot";
    return { status: 200, body: { image: renderImage(img) } };
  });
  router.add("DELETE", "/images/{id}", (req) => {
    const img = find(req.params.id);
    if (img.type === "system") throw new SimApiError(403, "forbidden", "system images cannot be deleted");
    if (img.status === "creating") throw locked("image", img.id, "create_image");
    img.deleted = isoNow(); // servers created from it still render it, now marked deleted
    state.images.delete(img.id);
    if (img.file) fs.rmSync(img.file, { force: true });
    return { status: 204 };
  });
}

function imageFilter(q: URLSearchParams): (img: ImageRecord) => boolean {
  const types = q.getAll("type");
  const statuses = q.getAll("status");
  const boundTo = q.getAll("bound_to");
  const name = q.get("name");
  const arch = q.get("architecture");
  const selected = selectorPredicate(q.get("label_selector"));
  return (img) =>
    (types.length === 0 || types.includes(img.type)) &&
    (statuses.length === 0 || statuses.includes(img.status)) &&
    (boundTo.length === 0 || boundTo.includes(String(img.bound_to))) &&
    (name === null || img.name === name) &&
    (arch === null || img.architecture === arch) &&
    selected(img.labels);
}

const IMAGE_SORT = {
  id: (i: ImageRecord) => i.id,
  name: (i: ImageRecord) => i.name ?? "",
  created: (i: ImageRecord) => i.created,
};
