// The local search engine's corpus for the world: one page per species (its picture is the canonical emblem).
import type { Entity, WorldDocument } from './types';

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

export function entityDocument(entity: Entity): WorldDocument {
  const { island, year, diet } = entity.facts;
  return {
    entityId: entity.id,
    title: entity.name,
    url: `https://archipelago.example/species/${slug(entity.name)}`,
    // One fact per sentence, the name only in the first: a query-focused summary then stays short.
    body: `The ${entity.name} lives on the island of ${island}. It was first described in ${year}. It eats ${diet}.`,
  };
}
