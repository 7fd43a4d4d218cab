/** Images client: list with filters, get, update labels/description, delete. */
import { Transport } from "./transport";
import { listAll } from "./pagination";
import { getOrUndefined } from "./get-or-undefined";
import { Image, Labels } from "./types";

/** Filters of `list`. */
export interface ImageFilter {
  /** Label selector, e.g. "os=talos,talos-version=v1.11.3". */
  labelSelector?: string;
  type?: Image["type"] | Image["type"][];
  architecture?: Image["architecture"];
  status?: Image["status"] | Image["status"][];
  name?: string;
  /** e.g. ["created:desc"]. */
  sort?: string[];
}

/** Client for /images. */
export class ImagesClient {
  constructor(private readonly t: Transport) {}

  /** Every image matching the filters (all pages). */
  list(f: ImageFilter = {}): Promise<Image[]> {
    return listAll(this.t, "/images", "images", {
      label_selector: f.labelSelector,
      type: f.type,
      architecture: f.architecture,
      status: f.status,
      name: f.name,
      sort: f.sort,
    });
  }

  /** The image, or undefined when it does not exist. */
  get(id: number): Promise<Image | undefined> {
    return getOrUndefined(this.t, `/images/${id}`, "image");
  }

  /** Updates description and/or labels (labels replace all existing ones). */
  async update(id: number, u: { description?: string; labels?: Labels }): Promise<Image> {
    return (await this.t.request<{ image: Image }>("PUT", `/images/${id}`, { body: u })).image;
  }

  /** Replaces all labels of an image. */
  updateLabels(id: number, labels: Labels): Promise<Image> {
    return this.update(id, { labels });
  }

  /** Deletes a snapshot or backup (204); system images cannot be deleted. */
  async delete(id: number): Promise<void> {
    await this.t.request("DELETE", `/images/${id}`);
  }
}
