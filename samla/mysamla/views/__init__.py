"""Min Samla's pages, a module per part of the person's own Samla."""
