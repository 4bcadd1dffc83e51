/**
 * What Cloudflare's edge says, in `request.cf`, of where a client in London is: every field geo reads.
 * @module
 */
export const LONDON_CF = {
  country: "GB",
  region: "England",
  regionCode: "ENG",
  city: "London",
  postalCode: "EC1A",
  latitude: "51.50799",
  longitude: "-0.12806",
  timezone: "Europe/London",
  continent: "EU",
  colo: "LHR",
};
